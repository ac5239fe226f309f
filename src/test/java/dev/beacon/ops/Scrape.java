package dev.beacon.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** A Prometheus text exposition read back: each sample's name, labels and value. */
record Scrape(List<Sample> samples) {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  record Sample(String name, Map<String, String> labels, double value) {}

  static Scrape parse(String text) {
    var samples = new ArrayList<Sample>();
    for (var line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      var sample = SAMPLE.matcher(line);
      if (!sample.matches()) throw new IllegalArgumentException("not a sample: " + line);
      var labels = new TreeMap<String, String>();
      if (sample.group(2) != null) {
        var label = LABEL.matcher(sample.group(2));
        while (label.find()) labels.put(label.group(1), label.group(2));
      }
      samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
    }
    return new Scrape(List.copyOf(samples));
  }

  /** The samples of {@code name} whose labels include {@code labels} (alternating keys and values). */
  List<Sample> all(String name, String... labels) {
    return samples.stream().filter(s -> s.name().equals(name) && has(s, labels)).toList();
  }

  /** The sum of the samples of {@code name} whose labels include {@code labels}. */
  double sum(String name, String... labels) {
    return all(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  private static boolean has(Sample sample, String... labels) {
    for (var i = 0; i < labels.length; i += 2) {
      if (!labels[i + 1].equals(sample.labels().get(labels[i]))) return false;
    }
    return true;
  }
}
