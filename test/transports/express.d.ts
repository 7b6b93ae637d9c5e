/** The part of Express 5 the mount tests use (the package ships no types and @types/express is not a dependency). */
declare module 'express' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';

  type Handler = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
  interface Application {
    use(path: string, ...handlers: Handler[]): Application;
    use(...handlers: Handler[]): Application;
    all(path: string, ...handlers: Handler[]): Application;
    listen(port: number, host: string, callback: () => void): Server;
  }
  interface Express {
    (): Application;
    json(): Handler;
    urlencoded(): Handler;
  }
  const express: Express;
  export default express;
}
