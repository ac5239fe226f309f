package dev.beacon.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one way Beacon builds JSON mappers: Java time as ISO strings, limits on what it reads. */
public final class Json {
  private Json() {}

  /** A mapper whose parser refuses documents deeper, longer or with longer strings than given. */
  public static ObjectMapper mapper(int maxDepth, int maxStringLength, long maxDocumentLength) {
    var constraints = StreamReadConstraints.builder()
        .maxNestingDepth(maxDepth)
        .maxStringLength(maxStringLength)
        .maxDocumentLength(maxDocumentLength)
        .maxNumberLength(64)
        .build();
    var factory = JsonFactory.builder().streamReadConstraints(constraints).build();
    return new ObjectMapper(factory)
        .registerModule(new JavaTimeModule())
        .registerModule(new Jdk8Module())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** A mapper for writing replies and reading trusted documents. */
  public static final ObjectMapper MAPPER = mapper(64, 10_000_000, 100_000_000L);
}
