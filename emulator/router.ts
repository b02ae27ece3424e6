/**
 * Route matching compiled once: a trie over path segments, each node holding its static children
 * in a Map, one parameter child, and the routes that end there keyed by method. A request costs a
 * split and one Map lookup per segment; nothing is compiled per request and no regex runs over the
 * route table.
 */
import { type RouteDef } from "./catalogue";

interface Node {
  statics: Map<string, Node>;
  param: Node | undefined;
  routes: Map<string, RouteDef>;
}

export interface RouteMatch {
  route: RouteDef;
  /** Values of the `{…}` segments, in order. */
  params: string[];
}

export interface Router {
  match(method: string, path: string): RouteMatch | undefined;
  readonly size: number;
}

function newNode(): Node {
  return { statics: new Map(), param: undefined, routes: new Map() };
}

export function compileRouter(routes: readonly RouteDef[]): Router {
  const root = newNode();
  for (const route of routes) {
    let node = root;
    for (const segment of route.segments) {
      if (segment.startsWith("{")) {
        node.param ??= newNode();
        node = node.param;
      } else {
        let next = node.statics.get(segment);
        if (!next) {
          next = newNode();
          node.statics.set(segment, next);
        }
        node = next;
      }
    }
    if (node.routes.has(route.method)) throw new Error(`duplicate route ${route.method} ${route.path}`);
    node.routes.set(route.method, route);
  }

  // Depth-first with static segments preferred, backtracking to the parameter branch, so
  // GET /v1/customers/search is the search route and POST /v1/customers/search updates a customer
  // whose id is "search" (as Stripe would, answering resource_missing).
  function walk(node: Node, segments: readonly string[], index: number, method: string, params: string[]): RouteDef | undefined {
    if (index === segments.length) return node.routes.get(method);
    const segment = segments[index] as string;
    if (segment === "") return undefined;
    const fixed = node.statics.get(segment);
    if (fixed) {
      const found = walk(fixed, segments, index + 1, method, params);
      if (found) return found;
    }
    if (node.param) {
      params.push(segment);
      const found = walk(node.param, segments, index + 1, method, params);
      if (found) return found;
      params.pop();
    }
    return undefined;
  }

  return {
    size: routes.length,
    match(method, path) {
      // "/v1/customers/cus_1" → ["v1", "customers", "cus_1"]
      const segments = path.split("/");
      if (segments[0] !== "") return undefined;
      segments.shift();
      const params: string[] = [];
      const route = walk(root, segments, 0, method, params);
      if (!route) return undefined;
      return { route, params: params.map(safeDecode) };
    },
  };
}

function safeDecode(segment: string): string {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
