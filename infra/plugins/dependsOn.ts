/**
 * Serverless plugin: adds `DependsOn` to resources of the final template, after every resource
 * is in it (`resources` merged, Lift's constructs included), as configured in `custom.dependsOn`:
 *
 *   dependsOn: [{ resource: '${construct:uploads.bucketName}', on: ['UploadsNotificationQueuePolicy'] }]
 *
 * `resource` is a logical id, or a `{ Ref }` / `{ 'Fn::GetAtt' }` to one — what a Lift
 * `${construct:…}` reference resolves to, so Lift's generated ids need not be spelled out.
 *
 * Why not the construct's `extensions.<resource>.DependsOn`: Lift synthesises its constructs with
 * the CDK, whose template validation sees only Lift's own resources, so every package and deploy
 * warned "DependsOn target '…' does not exist as a resource (CloudFormation Validate)" (E3005)
 * about a target that `resources.Resources` does add. Unknown ids fail the package here instead.
 *
 * Loaded by Node's own TypeScript type stripping: no runtime imports of project files.
 */

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

export interface DependsOnRule {
  /** A logical id, or `{ Ref: id }` / `{ 'Fn::GetAtt': [id, attribute] }`. */
  readonly resource: Json;
  readonly on: readonly string[];
}

interface Resource {
  DependsOn?: string | string[];
  readonly [key: string]: unknown;
}
interface Template {
  readonly Resources: Record<string, Resource>;
}

/** The logical id a rule's `resource` names, or `undefined` when it names none. */
export const logicalIdOf = (resource: Json): string | undefined => {
  if (typeof resource === 'string') return resource;
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) return undefined;
  const object = resource as { readonly [key: string]: Json };
  if (typeof object.Ref === 'string') return object.Ref;
  const getAtt = object['Fn::GetAtt'];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
};

/**
 * Adds each rule's `on` ids to its resource's `DependsOn` (once each), in place.
 * Throws naming the rule when a resource or a target is not in the template.
 * @example addDependsOn(template, [{ resource: { Ref: 'uploadsBucket10132EB4' }, on: ['UploadsNotificationQueuePolicy'] }])
 */
export const addDependsOn = (template: Template, rules: readonly DependsOnRule[]): void => {
  for (const rule of rules) {
    const id = logicalIdOf(rule.resource);
    const resource = id === undefined ? undefined : template.Resources[id];
    if (id === undefined || resource === undefined) {
      throw new Error(`custom.dependsOn: resource ${JSON.stringify(rule.resource)} is not in the template`);
    }
    const missing = rule.on.filter((target) => template.Resources[target] === undefined);
    if (missing.length > 0) throw new Error(`custom.dependsOn: ${id} cannot depend on ${missing.join(', ')}: not in the template`);
    const current = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    resource.DependsOn = [...current, ...rule.on.filter((target) => !current.includes(target))];
  }
};

interface Serverless {
  service: { provider: { compiledCloudFormationTemplate: Template }; custom?: { dependsOn?: readonly DependsOnRule[] } };
}

export default class DependsOnPlugin {
  readonly hooks: Record<string, () => void>;

  constructor(serverless: Serverless) {
    this.hooks = {
      // osls merges `resources` (and Lift's synthesised template) into the compiled template here.
      'after:aws:package:finalize:mergeCustomProviderResources': () =>
        addDependsOn(serverless.service.provider.compiledCloudFormationTemplate, serverless.service.custom?.dependsOn ?? []),
    };
  }
}
