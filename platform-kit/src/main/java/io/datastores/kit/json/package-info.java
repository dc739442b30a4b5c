/** JSON for private state and read models. */
package io.datastores.kit.json;
