/**
 * What-if policies (issue 10): the linux-mm proposals the model can follow where they differ
 * from 6.18. A spec names one or more, each with `:KEY=VALUE` parameters, joined by `+`
 * (`per-block`, `per-block+zeropage-scan:every=8`). `linux-6.18` is the kernel as it is and combines with nothing.
 */
export const POLICY_NAMES = ['linux-6.18', 'per-block', 'flag-reclaim', 'zeropage-scan'] as const;

/** One policy's name. */
export type PolicyName = (typeof POLICY_NAMES)[number];

/** The kernel as it is: the default policy. */
export const DEFAULT_POLICY: PolicyName = 'linux-6.18';

/** One policy of a spec, with its parameters (integers). */
export interface PolicyPart {
  readonly name: PolicyName;
  readonly params: Readonly<Record<string, number>>;
}

/** A parsed policy spec: its parts, in the order given, each name once. */
export type PolicySpec = readonly PolicyPart[];

/** A policy spec that does not parse; the message names what is wrong. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

/** The parameters each policy takes, with the least value each allows. */
const PARAMS: Readonly<Record<PolicyName, Readonly<Record<string, number>>>> = {
  'linux-6.18': {},
  'per-block': {},
  'flag-reclaim': {},
  'zeropage-scan': { every: 1 },
};

function isPolicyName(s: string): s is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(s);
}

/**
 * Parse a policy spec: `NAME[:KEY=VALUE]...` joined by `+`. Pure.
 * @throws PolicyError for an unknown name or parameter, a value that is not a non-negative
 *   integer, a name given twice, or `linux-6.18` combined with another
 *
 * ### Example
 * ```ts
 * parsePolicy('per-block') // [{ name: 'per-block', params: {} }]
 * ```
 */
export function parsePolicy(text: string): PolicySpec {
  const parts = text.split('+').map((p): PolicyPart => {
    const [name, ...kvs] = p.split(':');
    if (name === undefined || !isPolicyName(name)) throw new PolicyError(`unknown policy ${name || '""'} (known: ${POLICY_NAMES.join(', ')})`);
    const params: Record<string, number> = {};
    for (const kv of kvs) {
      const m = /^([a-z]+)=(\d{1,9})$/.exec(kv);
      const least = m ? PARAMS[name][m[1]!] : undefined;
      if (!m || least === undefined) throw new PolicyError(`${name}: unknown parameter ${JSON.stringify(kv)} (${Object.keys(PARAMS[name]).join(', ') || 'it takes none'})`);
      if (Number(m[2]) < least) throw new PolicyError(`${name}: ${m[1]} must be at least ${least}`);
      params[m[1]!] = Number(m[2]);
    }
    return { name, params };
  });
  const names = parts.map((p) => p.name);
  if (new Set(names).size !== names.length) throw new PolicyError(`a policy is named twice in ${JSON.stringify(text)}`);
  if (parts.length > 1 && names.includes(DEFAULT_POLICY)) throw new PolicyError(`${DEFAULT_POLICY} is the kernel as it is: it combines with no other policy`);
  return parts;
}

/** A spec as `runs.policy` records it: parts in the order given, parameters sorted by key. Pure. */
export function formatPolicy(spec: PolicySpec): string {
  return spec.map((p) => [p.name, ...Object.keys(p.params).sort().map((k) => `${k}=${p.params[k]}`)].join(':')).join('+');
}

/** `spec` with `name` added when it lacks it (replacing `linux-6.18`). Pure. */
export function withPolicy(spec: PolicySpec, name: PolicyName): PolicySpec {
  if (spec.some((p) => p.name === name)) return spec;
  return [...spec.filter((p) => p.name !== DEFAULT_POLICY), { name, params: {} }];
}
