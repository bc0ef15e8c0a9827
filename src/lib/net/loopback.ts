/**
 * Whether a URL's host is this machine. Pure, and shared by the rules for endpoints (plain http only to this
 * machine), the API layer (a refused connection here means nothing listens) and the SSH host keys of the simulator.
 */

/** 127.0.0.0/8, ::1 and localhost, as the URL parser writes them (it normalises 127.1 to 127.0.0.1). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}
