/**
 * How much a file reader takes in one piece. Every piece becomes one batch of records (parsed
 * events and their text), and a batch stays alive while the caller works on it (a scan matches
 * every event of it), so each young-generation collection in that time copies the whole batch.
 * Measured with `watchfloor scan` over the OTRF Windows samples unzipped (650,000 events in 115
 * files, three interleaved runs each): 1 MiB pieces cost 4.6–6.0 s of GC pauses and 24.6–29.4 s
 * in all, 256 KiB pieces 0.8–0.9 s and 17.3–18.0 s.
 */
export const READ_CHUNK_BYTES = 256 * 1024
/**
 * Inflate output (zlib's default is 16 KiB: larger pieces mean fewer lines straddling two).
 * 64 KiB pieces made no clear difference over the zipped samples, so this stays as it was.
 */
export const INFLATE_CHUNK_BYTES = 256 * 1024
