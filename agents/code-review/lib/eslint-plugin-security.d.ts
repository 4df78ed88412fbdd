// Types of eslint-plugin-security (the package ships none): the plugin object and its
// recommended config's rules, as the security-scanner uses them.
declare module 'eslint-plugin-security' {
  import type { ESLint, Linter } from 'eslint';

  const plugin: ESLint.Plugin & {
    configs: { recommended: { rules: Linter.RulesRecord } };
  };
  export default plugin;
}
