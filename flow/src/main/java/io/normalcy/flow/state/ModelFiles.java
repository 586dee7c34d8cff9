package io.normalcy.flow.state;

import io.normalcy.avro.ModelVersion;
import io.normalcy.flow.model.NormalcyModel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * A model on disk: an Avro object container file ({@code .avro}) holding exactly one {@code ModelVersion}.
 * The container embeds the writer schema, so any Avro tool can inspect the file, and a newer reader resolves
 * an older file. Writes go to a temporary sibling first and are moved into place, so a crash never leaves a
 * half-written model behind.
 */
public final class ModelFiles {
    /** Upper bound on a model file, so a wrong path (e.g. a dataset) fails fast instead of filling the heap. */
    public static final long MAX_FILE_BYTES = 1L << 30;

    private ModelFiles() {
    }

    public static void write(Path path, ModelVersion model) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        // not Files.createTempFile: that creates the file owner-only (0600), but detectors may run as other users
        Path tmp = abs.resolveSibling(abs.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW);
                 DataFileWriter<ModelVersion> w = new DataFileWriter<>(new SpecificDatumWriter<>(ModelVersion.class))) {
                w.create(ModelVersion.getClassSchema(), out);
                w.append(model);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes {@code model} (digest computed by {@link ModelStateMapper#toState}). */
    public static void save(Path path, NormalcyModel model) throws IOException {
        write(path, ModelStateMapper.toState(model));
    }

    /** Reads and validates a model file. */
    public static NormalcyModel load(Path path) throws IOException, InvalidModelException {
        return ModelStateMapper.fromState(read(path));
    }

    /**
     * Reads the single record. Structural problems (not an Avro file, truncated, no or several records) are
     * {@link InvalidModelException}s naming the file; semantic validation is {@link ModelStateMapper#fromState}.
     */
    public static ModelVersion read(Path path) throws IOException, InvalidModelException {
        long size = Files.size(path);
        if (size > MAX_FILE_BYTES) {
            throw new InvalidModelException(path + ": " + size + " bytes is larger than a model file may be ("
                    + MAX_FILE_BYTES + ")");
        }
        byte[] bytes = Files.readAllBytes(path);
        try (DataFileReader<ModelVersion> r = new DataFileReader<>(new SeekableByteArrayInput(bytes),
                new SpecificDatumReader<>(ModelVersion.class))) {
            if (!r.hasNext()) {
                throw new InvalidModelException(path + ": the Avro file holds no model record");
            }
            ModelVersion mv = r.next();
            if (r.hasNext()) {
                throw new InvalidModelException(path + ": the Avro file holds more than one model record");
            }
            return mv;
        } catch (IOException | RuntimeException e) {
            throw new InvalidModelException(path + ": not a readable model file (" + e.getMessage() + ")", e);
        }
    }
}
