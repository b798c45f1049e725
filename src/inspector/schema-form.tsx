import type { FC } from 'hono/jsx';
import { propertiesOf, requestSchemaOf } from '../openapi/schema-info.js';
import { resolveRef, type JsonObject, type Spec } from '../openapi/spec.js';

/**
 * A form for an operation's JSON body, built from its schema in openapi.yaml: a select for an
 * enum, checkboxes for an array of an enum, a checkbox for a boolean, a number field (with the
 * schema's bounds) for a number, a text field otherwise. The page's script sends what is filled
 * in as JSON (`data-type` says how to read each field) and shows the spec's answer: a 422 names
 * the field, which is marked. Nothing is checked twice: the server's validation is the spec's.
 */

const label = (name: string) => (name === 'workspace_id' ? 'Workspace' : name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()));

interface FieldProps {
  form: string;
  name: string;
  schema: JsonObject;
  /** The schema of its items, for an array. */
  items: JsonObject | undefined;
  /** A field filled with the workspaces by the script (`workspace_id`). */
  workspaces: boolean;
}

const Field: FC<FieldProps> = ({ form, name, schema, items, workspaces }) => {
  const id = `${form}-${name}`;
  const hint = typeof schema.description === 'string' ? schema.description : undefined;
  const type = String(schema.type ?? 'string');
  if (type === 'array' && Array.isArray(items?.enum)) {
    return (
      <fieldset class="field checks" data-field={name} data-type="array">
        <legend>{label(name)}</legend>
        {items.enum.map((v) => (
          <label>
            <input type="checkbox" name={name} value={String(v)} /> {String(v)}
          </label>
        ))}
        {hint && <small>{hint}</small>}
      </fieldset>
    );
  }
  if (type === 'boolean') {
    return (
      <div class="field check" data-field={name}>
        <label>
          <input type="checkbox" id={id} name={name} data-type="boolean" checked={schema.default === true} /> {label(name)}
        </label>
        {hint && <small>{hint}</small>}
      </div>
    );
  }
  const control =
    workspaces && name === 'workspace_id' ? (
      <select id={id} name={name} data-type="string" data-workspaces="">
        <option value="">—</option>
      </select>
    ) : Array.isArray(schema.enum) ? (
      <select id={id} name={name} data-type={type}>
        <option value="">{schema.default === undefined ? '—' : `(default: ${String(schema.default)})`}</option>
        {schema.enum.map((v) => (
          <option value={String(v)}>{String(v)}</option>
        ))}
      </select>
    ) : type === 'integer' || type === 'number' ? (
      <input
        id={id}
        name={name}
        type="number"
        data-type={type}
        min={schema.minimum as number | undefined}
        max={schema.maximum as number | undefined}
        step={type === 'number' ? 'any' : '1'}
        placeholder={schema.default === undefined ? undefined : String(schema.default)}
      />
    ) : type === 'array' ? (
      <textarea id={id} name={name} data-type="lines" rows={2} placeholder="one per line" />
    ) : (
      <input id={id} name={name} type="text" data-type="string" maxlength={schema.maxLength as number | undefined} autocomplete="off" />
    );
  return (
    <div class="field" data-field={name}>
      <label for={id}>{label(name)}</label>
      {control}
      {hint && <small>{hint}</small>}
    </div>
  );
};

export interface SchemaFormProps {
  spec: Spec;
  /** Element id; fields are `<id>-<name>`. */
  id: string;
  method: 'post' | 'put';
  /** The spec's path of the operation (`/_mock/faults`). */
  path: string;
  submit: string;
  /** Properties to leave out (the script sets them), or to show first. */
  omit?: string[];
}

export const SchemaForm: FC<SchemaFormProps> = ({ spec, id, method, path, submit, omit = [] }) => {
  const schema = requestSchemaOf(spec, path, method);
  if (!schema) throw new Error(`openapi.yaml has no JSON body for ${method.toUpperCase()} ${path}`);
  const fields = Object.entries(propertiesOf(spec, schema)).filter(([name]) => !omit.includes(name));
  return (
    <form id={id} class="schema-form" data-method={method.toUpperCase()} data-endpoint={path} novalidate>
      <div class="fields">
        {fields.map(([name, prop]) => (
          <Field form={id} name={name} schema={prop} items={prop.items === undefined ? undefined : resolveRef(spec, prop.items)} workspaces={true} />
        ))}
      </div>
      <p class="form-error" role="alert" hidden />
      <button type="submit">{submit}</button>
    </form>
  );
};
