/**
 * Renders a hook-free component to plain element nodes, its child components called in place: enough
 * to test what the visitor is offered (labels, fields, errors and their ARIA links) with no DOM.
 */
import type { ComponentChildren, VNode } from 'preact'

export type Element = { tag: string; props: Record<string, unknown>; children: Node[] }
export type Node = Element | string

export function renderTree(children: ComponentChildren): Node[] {
  if (children === null || children === undefined || typeof children === 'boolean') return []
  if (typeof children === 'string' || typeof children === 'number') return [String(children)]
  if (Array.isArray(children)) return children.flatMap((child) => renderTree(child))
  const vnode = children as VNode<Record<string, unknown>>
  const { children: inner, ...props } = vnode.props as { children?: ComponentChildren }
  if (typeof vnode.type === 'function') {
    const render = vnode.type as (props: unknown) => ComponentChildren
    return renderTree(render(vnode.props))
  }
  return [{ tag: vnode.type, props, children: renderTree(inner) }]
}

export function textOf(node: Node | Node[]): string {
  if (Array.isArray(node)) return node.map(textOf).join('')
  return typeof node === 'string' ? node : textOf(node.children)
}

/** Every element, depth first, that `match` accepts. */
export function findAll(nodes: Node[], match: (element: Element) => boolean): Element[] {
  return nodes.flatMap((node) =>
    typeof node === 'string'
      ? []
      : [...(match(node) ? [node] : []), ...findAll(node.children, match)],
  )
}

/** The text of the label of each input, the way a screen reader names the field (aria-hidden left out). */
export function labelOf(nodes: Node[], id: string): string | undefined {
  const label = findAll(nodes, (e) => e.tag === 'label' && e.props.for === id)[0]
  if (!label) return undefined
  const visible = (node: Node): string =>
    typeof node === 'string'
      ? node
      : node.props['aria-hidden'] === 'true'
        ? ''
        : node.children.map(visible).join('')
  return visible(label).trim()
}
