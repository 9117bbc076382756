import type { XmlNode } from './binxml-tree.js'
import { type EvtxValue, isEmptyValue, valueText } from './evtx-values.js'

/** An element with every substitution filled in. */
interface Element {
  name: string
  attributes: Attribute[]
  children: Content[]
}

interface Attribute {
  name: string
  values: EvtxValue[]
}

type Content = Element | EvtxValue

type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

/**
 * Renders a record's BinXML as evtx_dump's JSON: element names are keys, attributes go under
 * `#attributes`, text under `#text` when the element also has attributes or children, an empty
 * element is `null`, repeated child names get `_1`, `_2` suffixes, and the `Data` children of
 * `EventData`/`UserData` are keyed by their `Name` attribute (or gathered under `Data.#text`).
 */
export function renderRecordJson(nodes: XmlNode[]): Record<string, Json> {
  const resolved: Content[] = []
  resolve(nodes, undefined, resolved)
  const root = resolved.find(isElement)
  if (root === undefined) return {}
  return { [root.name]: elementValue(root, false) }
}

function isElement(content: Content): content is Element {
  return 'attributes' in content
}

function isValue(content: Content): content is EvtxValue {
  return !('attributes' in content)
}

function resolve(nodes: readonly XmlNode[], values: readonly EvtxValue[] | undefined, out: Content[]): void {
  for (const node of nodes) {
    switch (node.kind) {
      case 'element': {
        const children: Content[] = []
        resolve(node.children, values, children)
        const attributes: Attribute[] = []
        for (const attribute of node.attributes) {
          const content: Content[] = []
          resolve(attribute.value, values, content)
          attributes.push({ name: attribute.name, values: content.filter(isValue) })
        }
        out.push({ name: node.name, attributes, children })
        break
      }
      case 'value':
        if (!isEmptyValue(node.value)) out.push(node.value)
        break
      case 'substitution': {
        const value = values?.[node.index]
        if (value === undefined || isEmptyValue(value)) break
        if (value.kind === 'xml') resolve(value.nodes, undefined, out)
        else out.push(value)
        break
      }
      case 'template':
        resolve(node.definition, node.values, out)
        break
    }
  }
}

function elementValue(element: Element, isDataContainer: boolean): Json {
  const hasElementChild = element.children.some(isElement)
  const hasText = element.children.some((child) => !isElement(child))
  const hasAttributes = element.attributes.some((attribute) => attribute.values.length > 0)
  if (!hasElementChild && !hasText && !hasAttributes) return null
  if (!hasElementChild && !hasAttributes) return contentValue(element.children)
  return elementBody(element, isDataContainer)
}

function elementBody(element: Element, isDataContainer: boolean): { [key: string]: Json } {
  const body: { [key: string]: Json } = {}
  const attributes = element.attributes.filter((attribute) => attribute.values.length > 0)
  if (attributes.length > 0) {
    const rendered: { [key: string]: Json } = {}
    for (const attribute of attributes) rendered[attribute.name] = contentValue(attribute.values)
    body['#attributes'] = rendered
  }
  const texts = element.children.filter((child) => !isElement(child))
  if (texts.length > 0) body['#text'] = contentValue(texts)
  const children = element.children.filter(isElement)
  const dataChildren = isDataContainer ? children.filter((child) => child.name === 'Data') : []
  const keyedByName = dataChildren.some((child) => nameAttribute(child) !== undefined)
  let positionalDone = false
  const seen = new Map<string, number>()
  for (const child of children) {
    if (isDataContainer && child.name === 'Data') {
      if (keyedByName) {
        const key = nameAttribute(child)
        if (key !== undefined) body[key] = dataValue(child)
      } else if (!positionalDone) {
        positionalDone = true
        body.Data = {
          '#text': dataChildren.length === 1 ? dataValue(child) : dataChildren.map(dataValue),
        }
      }
      continue
    }
    const count = seen.get(child.name) ?? 0
    seen.set(child.name, count + 1)
    const key = count === 0 ? child.name : `${child.name}_${count}`
    body[key] = elementValue(child, child.name === 'EventData' || child.name === 'UserData')
  }
  return body
}

function nameAttribute(element: Element): string | undefined {
  const name = element.attributes.find((attribute) => attribute.name === 'Name')
  if (name === undefined || name.values.length === 0) return undefined
  return name.values.map(valueText).join('')
}

function dataValue(element: Element): Json {
  const hasElementChild = element.children.some(isElement)
  if (hasElementChild) return elementBody(element, false)
  if (element.children.length === 0) return ''
  return contentValue(element.children)
}

/** A single integer or boolean value stays a JSON number/boolean; anything else is joined as text. */
function contentValue(contents: readonly Content[]): Json {
  const texts = contents.filter(isValue)
  const single = texts.length === 1 ? texts[0] : undefined
  if (single?.kind === 'number') return single.number
  if (single?.kind === 'bool') return single.bool
  return texts.map(valueText).join('')
}
