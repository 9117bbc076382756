/**
 * A process-wide counter bumped whenever a credential loses power (token revoked, user disabled,
 * role changed). Authentication caches drop entries from an older epoch, so such a change takes
 * effect at once on this node, and within the cache's lifetime (seconds) on other nodes.
 */
let epoch = 0

export function bumpAuthEpoch(): void {
  epoch += 1
}

export function authEpoch(): number {
  return epoch
}
