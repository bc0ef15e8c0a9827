/** Fake secrets: distinctive, so a test can prove they appear nowhere in output. Not real credentials. */
export const FAKE_DO_TOKEN = 'dop_v1_FAKE_token_for_tests_' + 'x'.repeat(36)
export const FAKE_TAILSCALE_KEY = `tskey-auth-k1Ab'"$HOME\`id\`-${'9'.repeat(8)}`

export const SECRET_ENV = {DO_TOKEN: FAKE_DO_TOKEN, TS_KEY: FAKE_TAILSCALE_KEY}

export function expectNoSecrets(text: string): void {
  for (const secret of [FAKE_DO_TOKEN, FAKE_TAILSCALE_KEY]) {
    if (text.includes(secret)) throw new Error(`a secret leaked into output:\n${text}`)
  }
}
