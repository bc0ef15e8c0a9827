import {describe, expect, it} from 'vitest'

import {findProject} from '../../src/lib/pool/project.js'

const PROJECTS = [
  {id: '4e1bfbc3-dc3e-41f2-a18f-1b4d7ba71679', name: 'first-project', is_default: true},
  {id: 'b5f3a2c1-0d9e-4b8a-9f7c-6e5d4c3b2a10', name: 'GPU fleet', is_default: false},
  {id: 'c0ffee00-1111-4222-8333-444455556666', name: 'twin', is_default: false},
  {id: 'c0ffee00-7777-4888-9999-aaaabbbbcccc', name: 'twin', is_default: false},
]

describe('--project NAME|ID', () => {
  it.each([
    ['b5f3a2c1-0d9e-4b8a-9f7c-6e5d4c3b2a10', 'GPU fleet'],
    ['B5F3A2C1-0D9E-4B8A-9F7C-6E5D4C3B2A10', 'GPU fleet'],
    ['GPU fleet', 'GPU fleet'],
    ['gpu FLEET', 'GPU fleet'],
    ['default', 'first-project'],
    ['first-project', 'first-project'],
    ['c0ffee00-7777-4888-9999-aaaabbbbcccc', 'twin'],
  ])('%s is the project %s', (wanted, name) => {
    expect(findProject(PROJECTS, wanted).name).toBe(name)
  })

  it('a name two projects share is refused, naming both ids', () => {
    expect(() => findProject(PROJECTS, 'twin')).toThrow(/2 projects have that name; nothing was created/)
    try {
      findProject(PROJECTS, 'twin')
    } catch (error) {
      expect((error as {suggestions: string[]}).suggestions[0]).toBe('give the id instead: c0ffee00-1111-4222-8333-444455556666 or c0ffee00-7777-4888-9999-aaaabbbbcccc')
    }
  })

  it('an unknown project is refused (exit 2) with the names there are', () => {
    let caught: {exitCode?: number; message?: string; suggestions?: string[]} = {}
    try {
      findProject(PROJECTS, 'gpu-fleet')
    } catch (error) {
      caught = error as typeof caught
    }
    expect(caught.exitCode).toBe(2)
    expect(caught.message).toBe('--project gpu-fleet: the account has no such project; nothing was created')
    expect(caught.suggestions?.[0]).toBe('the projects are: first-project, GPU fleet, twin, twin')
  })
})
