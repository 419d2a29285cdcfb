import type { Server } from '../../http/server.js';
import { loginBody, loginResponse } from './auth.schemas.js';
import type { AuthService } from './auth.service.js';

export function authRoutes(service: AuthService) {
  return async (app: Server) => {
    app.post(
      '/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Exchange a username and password for a bearer token',
          security: [],
          body: loginBody,
          response: { 200: loginResponse },
        },
      },
      async (request) => service.login(request.body.username, request.body.password, request.ip),
    );
  };
}
