/** "1 droplet", "3 droplets", "0 droplets": every count a person reads goes through here. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`
}
