package dev.beacon.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one way Beacon builds JSON mappers: Java time as ISO strings, limits on what it reads. */
public final class Json {
  /** The most digits a JSON number may have. */
  public static final int MAX_NUMBER_LENGTH = 64;

  private Json() {}

  /**
   * A mapper whose parser refuses documents deeper, longer or with longer strings than given, with
   * the given parser features on (documents from outside are read through {@link JsonInput}).
   */
  public static ObjectMapper mapper(int maxDepth, int maxStringLength, long maxDocumentLength, StreamReadFeature... features) {
    var constraints = StreamReadConstraints.builder()
        .maxNestingDepth(maxDepth)
        .maxStringLength(maxStringLength)
        .maxDocumentLength(maxDocumentLength)
        .maxNumberLength(MAX_NUMBER_LENGTH)
        .build();
    var builder = JsonFactory.builder().streamReadConstraints(constraints);
    for (var feature : features) builder.enable(feature);
    var factory = builder.build();
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
