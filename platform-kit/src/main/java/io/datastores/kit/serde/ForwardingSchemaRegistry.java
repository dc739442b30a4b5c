package io.datastores.kit.serde;

import java.util.List;

import org.apache.avro.Schema;

/** A registry passing every call to another; subclasses change what they need. */
public class ForwardingSchemaRegistry implements SchemaRegistry {

    private final SchemaRegistry delegate;

    public ForwardingSchemaRegistry(SchemaRegistry delegate) {
        this.delegate = delegate;
    }

    @Override
    public int register(String subject, Schema schema) {
        return delegate.register(subject, schema);
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return delegate.lookup(subject, schema);
    }

    @Override
    public Schema schemaById(int id) {
        return delegate.schemaById(id);
    }

    @Override
    public List<String> subjects() {
        return delegate.subjects();
    }

    @Override
    public List<Integer> versions(String subject) {
        return delegate.versions(subject);
    }

    @Override
    public SubjectVersion version(String subject, String version) {
        return delegate.version(subject, version);
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return delegate.isCompatible(subject, schema);
    }

    @Override
    public void setCompatibility(String subject, String level) {
        delegate.setCompatibility(subject, level);
    }

    @Override
    public java.util.Optional<String> compatibility(String subject) {
        return delegate.compatibility(subject);
    }
}
