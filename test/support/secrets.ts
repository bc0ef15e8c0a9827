/** Fake secrets: distinctive, so a test can prove they appear nowhere in output. Not real credentials. */
export const FAKE_DO_TOKEN = 'dop_v1_' + 'f00d'.repeat(16)
export const FAKE_TAILSCALE_KEY = `tskey-auth-k1Ab'"$HOME\`id\`-${'9'.repeat(8)}`

export const SECRET_ENV = {DO_TOKEN: FAKE_DO_TOKEN, TS_KEY: FAKE_TAILSCALE_KEY}

export function expectNoSecrets(text: string): void {
  for (const secret of [FAKE_DO_TOKEN, FAKE_TAILSCALE_KEY]) {
    if (text.includes(secret)) throw new Error(`a secret leaked into output:\n${text}`)
  }
}
