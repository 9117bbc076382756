import type { XmlNode } from './binxml-tree.js'
import { type EvtxValue, isEmptyValue, valueText } from './evtx-values.js'

/** An element with every substitution filled in; child elements and text kept apart, each in order. */
interface Element {
  name: string
  attributes: Attribute[]
  elements: Element[]
  texts: EvtxValue[]
}

interface Attribute {
  name: string
  values: EvtxValue[]
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

/**
 * Renders a record's BinXML as evtx_dump's JSON: element names are keys, attributes go under
 * `#attributes`, text under `#text` when the element also has attributes or children, an empty
 * element is `null`, repeated child names get `_1`, `_2` suffixes, and the `Data` children of
 * `EventData`/`UserData` are keyed by their `Name` attribute (or gathered under `Data.#text`).
 */
export function renderRecordJson(nodes: XmlNode[]): Record<string, Json> {
  const root: Element = { name: '', attributes: [], elements: [], texts: [] }
  resolve(nodes, undefined, root)
  const event = root.elements[0]
  if (event === undefined) return {}
  return { [event.name]: elementValue(event, false) }
}

/** Fills `parent` with the content of `nodes`, substitutions taken from `values`. */
function resolve(nodes: readonly XmlNode[], values: readonly EvtxValue[] | undefined, parent: Element): void {
  for (const node of nodes) {
    switch (node.kind) {
      case 'element': {
        const element: Element = { name: node.name, attributes: [], elements: [], texts: [] }
        for (const attribute of node.attributes) {
          const attributeValues: EvtxValue[] = []
          resolveText(attribute.value, values, attributeValues)
          element.attributes.push({ name: attribute.name, values: attributeValues })
        }
        resolve(node.children, values, element)
        parent.elements.push(element)
        break
      }
      case 'value':
        if (!isEmptyValue(node.value)) parent.texts.push(node.value)
        break
      case 'substitution': {
        const value = values?.[node.index]
        if (value === undefined || isEmptyValue(value)) break
        if (value.kind === 'xml') resolve(value.nodes, undefined, parent)
        else parent.texts.push(value)
        break
      }
      case 'template':
        resolve(node.definition, node.values, parent)
        break
    }
  }
}

/** Attribute content: text only. */
function resolveText(
  nodes: readonly XmlNode[],
  values: readonly EvtxValue[] | undefined,
  out: EvtxValue[],
): void {
  for (const node of nodes) {
    if (node.kind === 'value') {
      if (!isEmptyValue(node.value)) out.push(node.value)
    } else if (node.kind === 'substitution') {
      const value = values?.[node.index]
      if (value !== undefined && value.kind !== 'xml' && !isEmptyValue(value)) out.push(value)
    }
  }
}

function hasAttributes(element: Element): boolean {
  for (const attribute of element.attributes) if (attribute.values.length > 0) return true
  return false
}

function elementValue(element: Element, isDataContainer: boolean): Json {
  if (element.elements.length === 0 && !hasAttributes(element)) {
    return element.texts.length === 0 ? null : contentValue(element.texts)
  }
  return elementBody(element, isDataContainer)
}

function elementBody(element: Element, isDataContainer: boolean): { [key: string]: Json } {
  const body: { [key: string]: Json } = {}
  if (hasAttributes(element)) {
    const rendered: { [key: string]: Json } = {}
    for (const attribute of element.attributes) {
      if (attribute.values.length > 0) rendered[attribute.name] = contentValue(attribute.values)
    }
    body['#attributes'] = rendered
  }
  if (element.texts.length > 0) body['#text'] = contentValue(element.texts)
  if (isDataContainer && renderDataChildren(element, body)) return body
  let seen: Map<string, number> | undefined
  for (const child of element.elements) {
    let key = child.name
    if (key in body) {
      seen ??= new Map()
      const count = (seen.get(child.name) ?? 0) + 1
      seen.set(child.name, count)
      key = `${child.name}_${count}`
    }
    body[key] = elementValue(child, child.name === 'EventData' || child.name === 'UserData')
  }
  return body
}

/**
 * `EventData`/`UserData`: `Data` children keyed by their `Name`, or, when none has a name, their
 * values under `Data.#text` (one value or a list). Other children are rendered as usual.
 * Returns false when there are no `Data` children to handle.
 */
function renderDataChildren(element: Element, body: { [key: string]: Json }): boolean {
  let dataCount = 0
  let keyedByName = false
  for (const child of element.elements) {
    if (child.name !== 'Data') continue
    dataCount += 1
    if (!keyedByName && nameAttribute(child) !== undefined) keyedByName = true
  }
  if (dataCount === 0) return false
  let positional: Json[] | undefined
  let seen: Map<string, number> | undefined
  for (const child of element.elements) {
    if (child.name === 'Data') {
      if (keyedByName) {
        const key = nameAttribute(child)
        if (key !== undefined) body[key] = dataValue(child)
      } else if (positional === undefined) {
        positional = []
        body.Data = { '#text': dataCount === 1 ? dataValue(child) : positional }
        if (dataCount > 1) positional.push(dataValue(child))
      } else {
        positional.push(dataValue(child))
      }
      continue
    }
    seen ??= new Map()
    const count = seen.get(child.name) ?? 0
    seen.set(child.name, count + 1)
    body[count === 0 ? child.name : `${child.name}_${count}`] = elementValue(child, false)
  }
  return true
}

function nameAttribute(element: Element): string | undefined {
  for (const attribute of element.attributes) {
    if (attribute.name !== 'Name') continue
    const values = attribute.values
    if (values.length === 0) return undefined
    if (values.length === 1) return valueText(values[0]!)
    let joined = ''
    for (const value of values) joined += valueText(value)
    return joined
  }
  return undefined
}

function dataValue(element: Element): Json {
  if (element.elements.length > 0) return elementBody(element, false)
  if (element.texts.length === 0) return ''
  return contentValue(element.texts)
}

/** A single integer or boolean value stays a JSON number/boolean; anything else is joined as text. */
function contentValue(texts: readonly EvtxValue[]): Json {
  if (texts.length === 1) {
    const single = texts[0]!
    if (single.kind === 'number') return single.number
    if (single.kind === 'bool') return single.bool
    return valueText(single)
  }
  let joined = ''
  for (const text of texts) joined += valueText(text)
  return joined
}
