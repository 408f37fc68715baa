// What the project wired in with defineIsolation(): its settings factory and its resets. Runs in: worker (set
// while `require` files load, before the worker's state exists; read after every test).

export type Reset = () => unknown;
export type SettingsFactory = (env: NodeJS.ProcessEnv) => object;

export interface ProjectWiring {
  settingsFactory: SettingsFactory | undefined;
  resets: Reset[];
}

export const projectWiring: ProjectWiring = { settingsFactory: undefined, resets: [] };
