import type { Pool } from 'pg';
import type { TemplateCatalog } from '../templates/template-catalog';

/** The template files with the version each was registered as, and whether it changed since. */
export async function listTemplates(d: { catalog: TemplateCatalog; pool: Pool }) {
  const { templates, problems } = d.catalog.readAll();
  const { rows } = await d.pool.query<{ name: string; version: number; hash: string }>('select name, version, hash from template_registry');
  const registered = new Map(rows.map((r) => [r.name, r]));
  return {
    templates: templates.map((t) => {
      const r = registered.get(t.template.name);
      return {
        name: t.template.name,
        description: t.template.description,
        image: t.template.image,
        file: t.file,
        version: r?.version ?? null,
        changedSinceRegistered: r ? r.hash !== t.hash : true,
        resources: t.template.resources,
      };
    }),
    problems,
  };
}
