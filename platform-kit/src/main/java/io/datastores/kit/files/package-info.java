/** Files written whole or not at all, secrets readable by their owner only. */
package io.datastores.kit.files;
