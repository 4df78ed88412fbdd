// The two ajv instances of core, built once at module load: one holds the manifest schema
// (strict, allErrors, discriminator), the other checks the JSON Schemas users embed in
// manifests (EventType `schema`, Tool `input`). ajv and ajv-formats are CommonJS; the small
// interop below keeps their default exports callable under NodeNext.
import { Ajv, type Options, type Plugin } from 'ajv';
import * as formatsModule from 'ajv-formats';

type FormatsPlugin = Plugin<unknown>;
const formatsExport = formatsModule as unknown as {
  default: FormatsPlugin | { default: FormatsPlugin };
};
const addFormats: FormatsPlugin =
  typeof formatsExport.default === 'function'
    ? formatsExport.default
    : formatsExport.default.default;

/** Options shared by both instances. */
const base: Options = { allErrors: true, allowUnionTypes: true };

/** Build an ajv instance with formats. */
export function createAjv(options: Options): Ajv {
  const ajv = new Ajv({ ...base, ...options });
  addFormats(ajv, undefined);
  return ajv;
}
