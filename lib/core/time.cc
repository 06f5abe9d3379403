#include "core/time.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace iotonb::core {
namespace {

bool read_digits(std::string_view s, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Result<UnixTime> make_time(int y, int mo, int d, int h, int mi, int s, std::string_view text) {
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60)
    return input_error("time \"" + std::string(text) + "\": field out of range");
  if (s == 60) s = 59;  // a leap second is recorded as the second before it
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

}  // namespace

UnixTime now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<UnixTime> parse_time(std::string_view text) {
  auto bad = [&] {
    return input_error("time \"" + std::string(text) +
                       "\": expected RFC 3339 (2026-11-27T10:00:00Z), a date, or GeneralizedTime");
  };
  int y, mo, d, h = 0, mi = 0, s = 0;
  if (!text.empty() && text[0] == '@') {
    UnixTime t = 0;
    auto [p, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), t);
    if (ec != std::errc() || p != text.data() + text.size()) return bad();
    return t;
  }
  // GeneralizedTime: YYYYMMDDHHMMSSZ
  if (text.size() == 15 && text[14] == 'Z' && read_digits(text, 0, 4, y) && read_digits(text, 4, 2, mo) &&
      read_digits(text, 6, 2, d) && read_digits(text, 8, 2, h) && read_digits(text, 10, 2, mi) &&
      read_digits(text, 12, 2, s)) {
    return make_time(y, mo, d, h, mi, s, text);
  }
  if (!read_digits(text, 0, 4, y) || text.size() < 10 || text[4] != '-' || !read_digits(text, 5, 2, mo) ||
      text[7] != '-' || !read_digits(text, 8, 2, d))
    return bad();
  if (text.size() == 10) return make_time(y, mo, d, 0, 0, 0, text);
  if ((text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !read_digits(text, 11, 2, h) || text.size() < 19 ||
      text[13] != ':' || !read_digits(text, 14, 2, mi) || text[16] != ':' || !read_digits(text, 17, 2, s))
    return bad();
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos, ++digits;
    if (digits == 0) return bad();
  }
  if (pos >= text.size()) return bad();  // RFC 3339 requires an offset
  std::int64_t offset = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int oh, om;
    if (!read_digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !read_digits(text, pos + 4, 2, om) || oh > 23 || om > 59)
      return bad();
    offset = (oh * 3600 + om * 60) * (text[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != text.size()) return bad();
  auto t = make_time(y, mo, d, h, mi, s, text);
  if (!t) return t;
  return *t - offset;
}

Result<UnixTime> parse_time_or_duration(std::string_view text, UnixTime base) {
  // base may be anything parse_time accepts ("@9223372036854775807"): never overflow past it.
  auto out_of_range = [&] {
    return input_error("time \"" + std::string(text) + "\" after " + std::to_string(base) + ": out of range");
  };
  auto add = [&](std::int64_t seconds) -> Result<UnixTime> {
    UnixTime sum = 0;
    if (__builtin_add_overflow(base, seconds, &sum)) return out_of_range();
    return sum;
  };
  if (text.size() >= 2 && text.find_first_not_of("0123456789", 0) == text.size() - 1) {
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
    if (ec == std::errc() && n <= 100000) {
      switch (text.back()) {
        case 'y': {
          std::time_t b = static_cast<std::time_t>(base);
          std::tm tm{};
          if (gmtime_r(&b, &tm) == nullptr) return out_of_range();
          int year = tm.tm_year + 1900 + static_cast<int>(n);
          int day = std::min(tm.tm_mday, days_in_month(year, tm.tm_mon + 1));
          return make_time(year, tm.tm_mon + 1, day, tm.tm_hour, tm.tm_min, tm.tm_sec, text);
        }
        case 'd': return add(n * 86400);
        case 'h': return add(n * 3600);
        case 'm': return add(n * 60);
        case 's': return add(n);
        default: break;
      }
    }
  }
  return parse_time(text);
}

std::string format_rfc3339(UnixTime t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  // RFC 3339 date-fullyear is four digits; strftime's %Y drops the zeros of years before 1000.
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace iotonb::core
