import {describe, expect, it} from 'vitest'

import {type Column, displayName, displayWidth, fitNote, renderTable, tableFit, tableView} from '../../src/lib/output/table.js'

interface Row {name: string; ip: string | null; price: number}
const COLUMNS: readonly Column<Row>[] = [
  {header: 'NAME', cell: (r) => r.name},
  {header: 'PUBLIC IPV4', cell: (r) => r.ip ?? '-'},
  {header: '$/HOUR', cell: (r) => `$${r.price}`, aliases: ['price_hourly']},
]
const ROWS: Row[] = [{name: 'a', ip: '203.0.113.4', price: 1.99}, {name: 'longer-name', ip: null, price: 0.5}]

describe('tables: --format and --no-header', () => {
  it.each([
    ['the default', {}, 'NAME         PUBLIC IPV4  $/HOUR\na            203.0.113.4  $1.99\nlonger-name  -            $0.5\n'],
    ['--no-header', {'no-header': true}, 'a            203.0.113.4  $1.99\nlonger-name  -            $0.5\n'],
    ['columns by doctl name, in the order given', {format: 'PublicIPv4,Name'}, 'PUBLIC IPV4  NAME\n203.0.113.4  a\n-            longer-name\n'],
    ['by header with spaces, any case', {format: 'public ipv4'}, 'PUBLIC IPV4\n203.0.113.4\n-\n'],
    ['by JSON key', {format: 'price_hourly,name', 'no-header': true}, '$1.99  a\n$0.5   longer-name\n'],
    ['with blanks around names', {format: ' name , PRICE-HOURLY '}, 'NAME         $/HOUR\na            $1.99\nlonger-name  $0.5\n'],
  ])('%s', (_name, flags, expected) => {
    expect(renderTable(tableView(COLUMNS, flags), ROWS)).toBe(expected)
  })

  it('prints rows only (no notes or summaries after them) once columns are picked or the header dropped', () => {
    expect(tableView(COLUMNS, {}).rowsOnly).toBe(false)
    expect(tableView(COLUMNS, {'no-header': true}).rowsOnly).toBe(true)
    expect(tableView(COLUMNS, {format: 'name'}).rowsOnly).toBe(true)
  })

  it('refuses an unknown column, naming --format and every column there is', () => {
    expect(() => tableView(COLUMNS, {format: 'name,cost'})).toThrow(expect.objectContaining({
      message: '--format: no column "cost"',
      exitCode: 2,
      suggestions: ['pick from: Name,PublicIPv4,PriceHourly'],
    }))
    expect(() => tableView(COLUMNS, {format: ''})).toThrow(/no column ""/)
  })

  it('names columns as doctl does', () => {
    expect([{header: 'ID'}, {header: 'PUBLIC IPV4'}, {header: 'GPU'}, {header: 'VCPUS'}, {header: '$/MONTH', aliases: ['price_monthly']}].map((c) => displayName({...c, cell: () => ''}))).toEqual(['ID', 'PublicIPv4', 'GPU', 'Vcpus', 'PriceMonthly'])
  })

  it('aligns by the width a terminal draws: wide characters take two columns, combining marks none', () => {
    expect(displayWidth('abc')).toBe(3)
    expect(displayWidth('日本')).toBe(4)
    expect(displayWidth('e\u0301')).toBe(1)
    const table = renderTable(tableView([{header: 'N', cell: (r: string) => r}, {header: 'X', cell: () => 'x'}], {}), ['日本', 'ab'])
    expect(table).toBe('N     X\n日本  x\nab    x\n')
  })

  it('lays out 10,000 rows (a large fleet), every one aligned', () => {
    const many = Array.from({length: 10_000}, (_, i) => ({name: `velda-930b7ad6-${i}`, ip: `10.0.${i % 256}.${i % 200}`, price: 1.99}))
    const lines = renderTable(tableView(COLUMNS, {}), many).split('\n')
    expect(lines).toHaveLength(10_002)
    expect(new Set(lines.slice(0, -1).map((line) => line.indexOf('$'))).size).toBe(1)
  })
})

describe('tables that fit the terminal', () => {
  interface Droplet {name: string; ip: string; region: string; note: string}
  const FITTED: readonly Column<Droplet>[] = [
    {header: 'NAME', cell: (d) => d.name},
    {header: 'PUBLIC IPV4', cell: (d) => d.ip, priority: 1},
    {header: 'REGION', cell: (d) => d.region, priority: 2},
    {header: 'NOTE', cell: (d) => d.note, cut: true},
  ]
  const droplets: Droplet[] = [
    {name: 'velda-930b7ad6-k3x9q', ip: '203.0.113.4', region: 'atl1', note: 'booted in 3m12s, agent active since then'},
    {name: 'velda-930b7ad6-p2m7d', ip: '203.0.113.5', region: 'atl1', note: 'booting'},
  ]
  const view = tableView(FITTED, {})

  it('a table that fits is the same as without a fit, and the fit stays empty', () => {
    const fit = tableFit(200)
    expect(renderTable(view, droplets, fit)).toBe(renderTable(view, droplets))
    expect(fitNote(fit)).toBeNull()
  })

  it('leaves out the least essential columns and cuts the free text, every line within the width', () => {
    const fit = tableFit(50)
    const table = renderTable(view, droplets, fit)
    expect(table).toBe([
      'NAME                  PUBLIC IPV4  NOTE',
      'velda-930b7ad6-k3x9q  203.0.113.4  booted in 3m12…',
      'velda-930b7ad6-p2m7d  203.0.113.5  booting',
      '',
    ].join('\n'))
    for (const line of table.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(50)
    expect([...fit.leftOut]).toEqual(['REGION'])
    expect([...fit.cut]).toEqual(['NOTE'])
    expect(fitNote(fit)?.replaceAll('\n', ' ')).toBe('to fit 50 columns: left out REGION; cut NOTE with …. -o wide prints the whole table; --format picks columns')
  })

  it('cuts free text rather than leave a column out while the text keeps a dozen columns', () => {
    const fit = tableFit(60)
    expect(renderTable(view, droplets, fit).split('\n')[1]).toBe('velda-930b7ad6-k3x9q  203.0.113.4  atl1    booted in 3m12s,…')
    expect(fitNote(fit)?.replaceAll('\n', ' ')).toBe('to fit 60 columns: cut NOTE with …. -o wide prints the whole table; --format picks columns')
  })

  it('collects what several tables of one output left out, each header once, in a note wrapped to the width', () => {
    const fit = tableFit(40)
    renderTable(view, droplets, fit)
    renderTable(view, droplets, fit)
    expect(fitNote(fit)).toBe([
      'to fit 40 columns: left out PUBLIC IPV4,',
      'REGION; cut NOTE with …. -o wide prints',
      'the whole table; --format picks columns',
    ].join('\n'))
  })

  it.each([
    ['--format', {format: 'name,region,note'}],
    ['--no-header', {'no-header': true}],
  ])('never fits rows only (%s): they are for scripts', (_flag, flags) => {
    const rowsOnly = tableView(FITTED, flags)
    const fit = tableFit(30)
    expect(renderTable(rowsOnly, droplets, fit)).toBe(renderTable(rowsOnly, droplets))
    expect(fitNote(fit)).toBeNull()
  })

  it('a fit of width 0 (a pipe, a file, -o wide) is the whole table', () => {
    const fit = tableFit(0)
    expect(renderTable(view, droplets, fit)).toBe(renderTable(view, droplets))
    expect(fitNote(fit)).toBeNull()
  })

  it('fits 10,000 rows: every line within the width', () => {
    const many = Array.from({length: 10_000}, (_, i) => ({name: `velda-930b7ad6-${i}`, ip: `10.0.${i % 256}.${i % 200}`, region: 'atl1', note: 'x'.repeat(i % 90)}))
    const lines = renderTable(view, many, tableFit(80)).split('\n')
    expect(lines).toHaveLength(10_002)
    expect(Math.max(...lines.map(displayWidth))).toBe(80)
  })
})
