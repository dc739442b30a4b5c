/** Bearer tokens: who calls, with which roles, for which organization. */
package io.datastores.kit.auth;
