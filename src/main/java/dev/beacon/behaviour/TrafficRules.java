package dev.beacon.behaviour;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The invalid-traffic rules that need nothing but the event (GIVT): a user agent that matches one
 * of the known-bot patterns, and an IP address inside one of the data-centre ranges. Pure and
 * deterministic for a given configuration.
 */
public final class TrafficRules {
  /** No rule: flags nothing. */
  public static final TrafficRules NONE = new TrafficRules(List.of(), List.of());
  private final Pattern bots;
  private final List<Cidr> dataCenters;

  /**
   * @param botPatterns regular expressions, matched case-insensitively anywhere in the user agent
   * @param dataCenters CIDR blocks ({@code 203.0.113.0/24}, {@code 2001:db8::/32})
   */
  public TrafficRules(List<String> botPatterns, List<String> dataCenters) {
    this.bots = botPatterns.isEmpty() ? null
        : Pattern.compile(String.join("|", botPatterns.stream().map(p -> "(?:" + p + ")").toList()), Pattern.CASE_INSENSITIVE);
    this.dataCenters = dataCenters.stream().map(Cidr::parse).toList();
  }

  /** The rules of {@code beacon.behaviour.invalid-traffic}. */
  public static TrafficRules from(Config invalidTraffic) {
    return new TrafficRules(invalidTraffic.getStringList("bot-user-agents"), invalidTraffic.getStringList("data-center-ranges"));
  }

  /** The GIVT reason an event from this user agent and IP address (each null when not sent) is flagged for, or null. */
  public InvalidTraffic judge(String userAgent, String ipAddress) {
    if (bots != null && userAgent != null && bots.matcher(userAgent).find()) {
      return InvalidTraffic.GIVT_KNOWN_BOT;
    }
    if (!dataCenters.isEmpty() && ipAddress != null) {
      var address = address(ipAddress);
      for (var range : dataCenters) {
        if (range.contains(address)) return InvalidTraffic.GIVT_DATA_CENTER;
      }
    }
    return null;
  }

  /** An IP literal as validated by the parsers: {@link InetAddress} looks no name up for a literal. */
  private static byte[] address(String literal) {
    try {
      return InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address literal: " + literal, e);
    }
  }

  /** An address block: the network's bytes and how many leading bits an address shares with it. */
  record Cidr(byte[] network, int prefix) {
    static Cidr parse(String block) {
      var slash = block.indexOf('/');
      var host = slash < 0 ? block.strip() : block.substring(0, slash).strip();
      if (host.isEmpty() || !(host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
        throw new IllegalArgumentException("beacon.behaviour.invalid-traffic.data-center-ranges: not a CIDR block: " + block);
      }
      var network = address(host);
      var prefix = slash < 0 ? network.length * 8 : Integer.parseInt(block.substring(slash + 1).strip());
      if (prefix < 0 || prefix > network.length * 8) {
        throw new IllegalArgumentException("beacon.behaviour.invalid-traffic.data-center-ranges: bad prefix length: " + block);
      }
      return new Cidr(network, prefix);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) return false;
      var whole = prefix / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != network[i]) return false;
      }
      var rest = prefix % 8;
      if (rest == 0) return true;
      var mask = (byte) (0xFF << (8 - rest));
      return (address[whole] & mask) == (network[whole] & mask);
    }
  }
}
