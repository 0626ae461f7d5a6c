import type { TemplateCatalog } from '../templates/template-catalog';
import type { TemplateRegistryReader } from './template-registry.reader';

/** The template files with the version each was registered as, and whether it changed since. */
export async function listTemplates(d: { catalog: TemplateCatalog; templates: TemplateRegistryReader }) {
  const { templates, problems } = d.catalog.readAll();
  const registered = await d.templates.latest();
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
