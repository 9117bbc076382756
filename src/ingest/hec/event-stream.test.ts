import { describe, expect, it } from 'vitest'
import { splitJsonObjects } from './event-stream.js'

describe('splitJsonObjects', () => {
  it('splits objects sent back to back, with or without whitespace between them', () => {
    expect(
      splitJsonObjects('{"event":1}{"event":2}\n{"event":3}  \r\n\t{"event":{"a":[1,{"b":2}]}}'),
    ).toEqual({
      objects: ['{"event":1}', '{"event":2}', '{"event":3}', '{"event":{"a":[1,{"b":2}]}}'],
    })
  })

  it('ignores braces and quotes inside strings, escaped ones included', () => {
    const tricky = '{"event":"a } brace, a \\" quote, a \\\\"}{"event":"{\\"nested\\": true}"}'
    const outcome = splitJsonObjects(tricky)
    expect(outcome).toEqual({
      objects: ['{"event":"a } brace, a \\" quote, a \\\\"}', '{"event":"{\\"nested\\": true}"}'],
    })
    if ('objects' in outcome) expect(JSON.parse(outcome.objects[0]!).event).toBe('a } brace, a " quote, a \\')
  })

  it('tells which event is malformed: text between objects, or an object left open', () => {
    expect(splitJsonObjects('{"event":1} garbage {"event":2}')).toEqual({
      invalidAt: 1,
      reason: 'expected a JSON object at character 12',
    })
    expect(splitJsonObjects('{"event":1}{"event":"2}')).toEqual({
      invalidAt: 1,
      reason: 'the JSON object is not closed',
    })
    expect(splitJsonObjects('[{"event":1}]')).toMatchObject({ invalidAt: 0 })
  })

  it('finds nothing in an empty or blank body', () => {
    expect(splitJsonObjects('')).toEqual({ objects: [] })
    expect(splitJsonObjects(' \n ')).toEqual({ objects: [] })
  })
})
