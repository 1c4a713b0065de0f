import type { Session } from 'electron';
import { withContentSecurityPolicy } from './contentSecurity';
import { decidePermission } from './navigation';

/**
 * Locks down a session: the CSP header on the app's own responses, and permission requests and
 * checks refused except the few the dashboard needs (see navigation.ts).
 */
export function secureSession(session: Session, appOrigin: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: withContentSecurityPolicy(details.url, details.responseHeaders, appOrigin),
    });
  });
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(decidePermission(permission, details.requestingUrl, appOrigin));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    decidePermission(permission, requestingOrigin, appOrigin),
  );
}
