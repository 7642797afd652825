"""Embed cycles, found from the embed graph before anything is rendered.

A node of the graph is what an embed can show: a whole note (fragment "") or one
heading section or `^block` of it. An embed written inside node U that shows node V
is an edge U -> V; the embed lies inside the whole note and inside every section or
block around it, so it is an edge from each of them. An embed whose edge lies on a
cycle (its target can reach back to a node that holds it) would expand forever: it is
reported and shown as a link. Cutting those edges leaves a graph without cycles, so
rendering always ends, and `garden check` finds the same cycles a build shows.

Iterative throughout: a chain of thousands of embeds must not exhaust the stack.
"""
from __future__ import annotations

from collections import deque


Node = tuple[str, str]  # (vault path, fragment)
Ref = tuple[str, int]  # (vault path of the embedding note, index of the link in it)


def embed_edges(pages, resolutions) -> dict[Node, list[tuple[Node, Ref]]]:
    """Every edge of the embed graph: node -> [(node it embeds, the embed that does it)]."""
    edges: dict[Node, list[tuple[Node, Ref]]] = {}
    for page in pages:
        rel = page.note.rel
        for part, target, i in resolutions[rel].edges:  # see resolve._reach
            edges.setdefault((rel, part), []).append((target, (rel, i)))
    return edges


def components(edges: dict[Node, list[tuple[Node, Ref]]]) -> dict[Node, int]:
    """Strongly connected components (Tarjan's algorithm, without recursion): node -> component."""
    index: dict[Node, int] = {}
    low: dict[Node, int] = {}
    on_stack: set[Node] = set()
    stack: list[Node] = []
    comp: dict[Node, int] = {}
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            out = edges.get(node, [])
            recurse = False
            while child < len(out):
                nxt = out[child][0]
                child += 1
                if nxt not in index:
                    work.append((node, child))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp[member] = index[node]
                    if member == node:
                        break
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return comp


def embed_cycles(pages, resolutions) -> dict[Ref, list[Node]]:
    """The embeds that close a cycle, each with one cycle it lies on (first node = last node)."""
    edges = embed_edges(pages, resolutions)
    comp = components(edges)
    found: dict[Ref, list[Node]] = {}
    for source in sorted(edges):
        for target, ref in edges[source]:
            if ref not in found and comp.get(source) == comp.get(target):
                found[ref] = [source] + _path(edges, comp, target, source)
    return found


def _path(edges, comp, start: Node, goal: Node) -> list[Node]:
    """The shortest path start -> goal inside their component (breadth first)."""
    previous: dict[Node, Node | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            break
        for nxt, _ in edges.get(node, []):
            if nxt not in previous and comp.get(nxt) == comp[start]:
                previous[nxt] = node
                queue.append(nxt)
    path: list[Node] = []
    node: Node | None = goal
    while node is not None:
        path.append(node)
        node = previous.get(node)
    return path[::-1]
