import type { EvtxValue } from './evtx-values.js'

/**
 * BinXML as parsed from a chunk, before substitution: template definitions keep their
 * substitution slots, and a record is usually one template instance (a cached definition plus
 * the record's own values).
 */
export type XmlNode = XmlElement | XmlText | XmlSubstitution | XmlTemplateInstance

export interface XmlElement {
  kind: 'element'
  name: string
  attributes: XmlAttribute[]
  children: XmlNode[]
}

export interface XmlAttribute {
  name: string
  /** Text and substitution nodes. */
  value: XmlNode[]
}

export interface XmlText {
  kind: 'value'
  value: EvtxValue
}

/** A slot filled from the template instance's values; optional slots vanish when the value is empty. */
export interface XmlSubstitution {
  kind: 'substitution'
  index: number
  optional: boolean
}

export interface XmlTemplateInstance {
  kind: 'template'
  definition: XmlNode[]
  values: EvtxValue[]
}
