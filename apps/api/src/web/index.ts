export { WebModule, defaultWebDir, type WebModuleOptions } from './web.module';
export { DASHBOARD_CSP, DASHBOARD_CSP_DIRECTIVES } from './content-security-policy';
