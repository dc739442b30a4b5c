/** HTTP endpoints every service shares: its OpenAPI description. */
package io.datastores.service.api;
