/**
 * The packaged CloudFormation template and small queries over it, for tests on what
 * `sls package` really produces (not on what `serverless.ts` meant to produce).
 */
import JSZip from 'jszip';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runSls } from './sls.js';

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: JsonObject;
  readonly DependsOn?: string | readonly string[];
  readonly [key: string]: Json | undefined;
}

export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
  readonly Outputs?: Readonly<Record<string, { readonly Value: Json }>>;
}

export const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface PackagedStage {
  readonly template: CfnTemplate;
  /** Every file in the deployment zip. */
  readonly files: readonly string[];
}

/** Packages `stage` into a fresh folder and returns its update-stack template and zip listing. */
export const packageStage = async (stage: string, env: Readonly<Record<string, string>> = {}): Promise<PackagedStage> => {
  const dir = await mkdtemp(path.join(tmpdir(), `sls-package-${stage}-`));
  try {
    const run = await runSls(['package', '--stage', stage, '--package', dir], env);
    if (run.exitCode !== 0) throw new Error(`sls package --stage ${stage} exited with ${run.exitCode}:\n${run.output}`);
    const template = JSON.parse(await readFile(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as CfnTemplate;
    const zip = await JSZip.loadAsync(await readFile(path.join(dir, 'file-processor.zip')));
    return { template, files: Object.keys(zip.files) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

export interface Found {
  readonly id: string;
  readonly resource: CfnResource;
  readonly properties: JsonObject;
}

/** Every resource of one CloudFormation type, with its logical id. */
export const resourcesOfType = (template: CfnTemplate, type: string): Found[] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => ({ id, resource, properties: resource.Properties ?? {} }));

/** The one resource of `type` that `where` selects; throws (failing the test) unless exactly one matches. */
export const theResource = (template: CfnTemplate, type: string, where: (found: Found) => boolean = () => true): Found => {
  const matches = resourcesOfType(template, type).filter(where);
  if (matches.length !== 1) throw new Error(`expected exactly one ${type} matching, found ${matches.length}: ${matches.map((m) => m.id).join(', ')}`);
  const [match] = matches;
  if (match === undefined) throw new Error('unreachable');
  return match;
};

export const dependsOn = (resource: CfnResource): readonly string[] =>
  resource.DependsOn === undefined ? [] : typeof resource.DependsOn === 'string' ? [resource.DependsOn] : resource.DependsOn;

/** Logical ids that `value` points at through `Ref`, `Fn::GetAtt` or `${Id}` in `Fn::Sub`. */
export const referencedIds = (value: Json | undefined, ids: ReadonlySet<string>): Set<string> => {
  const found = new Set<string>();
  const walk = (node: Json | undefined): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (!isObject(node)) return;
    for (const [key, child] of Object.entries(node)) {
      if (key === 'Ref' && typeof child === 'string' && ids.has(child)) found.add(child);
      else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(child) ? child[0] : typeof child === 'string' ? child.split('.')[0] : undefined;
        if (typeof target === 'string' && ids.has(target)) found.add(target);
      } else if (key === 'Fn::Sub') {
        const text = Array.isArray(child) ? child[0] : child;
        for (const match of typeof text === 'string' ? text.matchAll(/\$\{([^}.!]+)[^}]*\}/g) : []) {
          if (match[1] !== undefined && ids.has(match[1])) found.add(match[1]);
        }
      }
      walk(child);
    }
  };
  walk(value);
  return found;
};

/** Each resource's dependencies, explicit (`DependsOn`) and implicit (references). */
export const dependencyGraph = (template: CfnTemplate): Map<string, Set<string>> => {
  const ids = new Set(Object.keys(template.Resources));
  return new Map(
    Object.entries(template.Resources).map(([id, resource]) => {
      const { DependsOn: _explicit, ...rest } = resource;
      const edges = referencedIds(rest as JsonObject, ids);
      for (const target of dependsOn(resource)) edges.add(target);
      return [id, edges];
    }),
  );
};

/** A dependency cycle as a list of logical ids, or `undefined` when the graph has none. */
export const findCycle = (graph: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined => {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...trail.slice(trail.indexOf(id)), id];
    state.set(id, 'visiting');
    for (const next of graph.get(id) ?? []) {
      const cycle = visit(next, [...trail, id]);
      if (cycle !== undefined) return cycle;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const id of graph.keys()) {
    const cycle = visit(id, []);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
};

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: Json;
  readonly Resource?: Json;
  readonly NotResource?: Json;
  readonly Principal?: Json;
  readonly Condition?: JsonObject;
}

export const asList = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];

/** Every statement of every identity policy in the template: inline role policies and policy resources. */
export const iamStatements = (template: CfnTemplate): PolicyStatement[] => {
  const documents = [
    ...resourcesOfType(template, 'AWS::IAM::Role').flatMap(({ properties }) =>
      asList(properties.Policies).map((policy) => (isObject(policy) ? policy.PolicyDocument : undefined)),
    ),
    ...['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].flatMap((type) => resourcesOfType(template, type).map(({ properties }) => properties.PolicyDocument)),
  ];
  return documents.flatMap((document) => (isObject(document) ? (asList(document.Statement) as unknown as PolicyStatement[]) : []));
};

export const actionsOf = (statement: PolicyStatement): readonly string[] => asList(statement.Action);

/**
 * An object- or bucket-level ARN in the shape `{ Fn::Join: ['', [{ Fn::GetAtt: [bucket, 'Arn'] }, '/prefix*'] ] }`
 * (or a bare `Fn::GetAtt`) as `{ bucket, path }`; `undefined` for any other shape, so tests fail on it.
 */
export const bucketScope = (resource: Json): { bucket: string; path: string } | undefined => {
  const getAttBucket = (node: Json | undefined): string | undefined => {
    if (!isObject(node)) return undefined;
    const getAtt = node['Fn::GetAtt'];
    return Array.isArray(getAtt) && getAtt[1] === 'Arn' && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
  };
  const bare = getAttBucket(resource);
  if (bare !== undefined) return { bucket: bare, path: '' };
  if (!isObject(resource)) return undefined;
  const join = resource['Fn::Join'];
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1])) return undefined;
  const [head, ...tail] = join[1] as readonly Json[];
  const bucket = getAttBucket(head);
  if (bucket === undefined || !tail.every((part) => typeof part === 'string')) return undefined;
  return { bucket, path: tail.join('') };
};
