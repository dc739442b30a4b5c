/** How an HTTP API sends commands and hears their decisions: the {@link CommandGateway}. */
package io.datastores.service.commands;
