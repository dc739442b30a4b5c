package io.datastores.backup.domain;

public enum BackupKind {
    FULL, LOG
}
