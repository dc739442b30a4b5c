/** Bearer-token authentication for every service's HTTP API. */
package io.datastores.service.auth;
