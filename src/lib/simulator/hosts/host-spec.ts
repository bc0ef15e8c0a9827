/** What one simulated droplet's SSH host is made from. */
export interface SshHostSpec {
  dropletId: number
  name: string
  /** A loopback address of its own, e.g. 127.1.0.5: tests never dial anything outside 127.0.0.0/8. */
  address: string
  port: number
  /** The directory of this host: keys, config, the droplet's files. */
  dir: string
  /** The public keys allowed in (the operator's, in tests a key made for the run). */
  authorizedKeys: string
  /** The simulator's origin, for the droplet's state. */
  simulator: string
  /** The credential its host command presents to the simulator (host.env, readable by this user only). */
  secret: string
  sshd: string
  /** Added to every command's answer: a network's round trip. */
  latencyMs: number
}
