/** A memory size as DuckDB and people write it: `2GB`, `512MiB`, `1.5 GB` (case-insensitive). */
export const MEMORY_SIZE = /^\d+(\.\d+)?\s*[KMGT]i?B$/i
