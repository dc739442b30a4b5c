/** Bearer tokens (JWTs): who calls, with which roles, for which organization; issuing the stack's own. */
package io.datastores.kit.auth;
