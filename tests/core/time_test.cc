// lib/core/time.h: RFC 3339, dates, GeneralizedTime, "@unix" and durations. Expected values
// were computed independently (Python calendar.timegm).
#include "core/time.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace iotonb::core {
namespace {

constexpr UnixTime k20261127T10 = 1795773600;  // 2026-11-27T10:00:00Z
constexpr UnixTime k99991231235959 = 253402300799;

UnixTime must_parse(std::string_view text) {
  auto t = parse_time(text);
  if (!t.ok()) {
    ADD_FAILURE() << "parse_time(\"" << text << "\"): " << t.error().message;
    return -1;
  }
  return *t;
}

TEST(ParseTime, Rfc3339Utc) {
  EXPECT_EQ(must_parse("2026-11-27T10:00:00Z"), k20261127T10);
  EXPECT_EQ(must_parse("2026-11-27t10:00:00z"), k20261127T10);
  EXPECT_EQ(must_parse("2026-11-27 10:00:00Z"), k20261127T10);
  EXPECT_EQ(must_parse("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(must_parse("1969-12-31T23:59:59Z"), -1);
}

TEST(ParseTime, Rfc3339Offsets) {
  EXPECT_EQ(must_parse("2026-11-27T12:00:00+02:00"), k20261127T10);
  EXPECT_EQ(must_parse("2026-11-27T04:30:00-05:30"), k20261127T10);
  EXPECT_EQ(must_parse("2026-11-27T10:00:00+00:00"), k20261127T10);
  EXPECT_EQ(must_parse("2026-11-28T09:59:00+23:59"), k20261127T10);
}

TEST(ParseTime, FractionalSecondsAreDropped) {
  EXPECT_EQ(must_parse("2026-11-27T10:00:00.999Z"), k20261127T10);
  EXPECT_EQ(must_parse("2026-11-27T12:00:00.5+02:00"), k20261127T10);
}

TEST(ParseTime, BareDateIsMidnightUtc) { EXPECT_EQ(must_parse("2026-11-27"), k20261127T10 - 10 * 3600); }

TEST(ParseTime, GeneralizedTime) {
  EXPECT_EQ(must_parse("20261127100000Z"), k20261127T10);
  EXPECT_EQ(must_parse("99991231235959Z"), k99991231235959);
  EXPECT_EQ(must_parse("19700101000000Z"), 0);
}

TEST(ParseTime, UnixSeconds) {
  EXPECT_EQ(must_parse("@1700000000"), 1700000000);
  EXPECT_EQ(must_parse("@0"), 0);
  EXPECT_EQ(must_parse("@-86400"), -86400);
}

TEST(ParseTime, LeapDaysAndLeapSeconds) {
  EXPECT_EQ(must_parse("2024-02-29"), 1709164800);
  EXPECT_EQ(must_parse("2000-02-29T00:00:00Z"), 951782400);
  // A leap second is recorded as the second before it.
  EXPECT_EQ(must_parse("2016-12-31T23:59:60Z"), 1483228799);
}

void expect_rejected(std::string_view text) {
  auto t = parse_time(text);
  ASSERT_FALSE(t.ok()) << "accepted \"" << text << "\" as " << *t;
  EXPECT_EQ(t.error().kind, ErrorKind::input) << text;
  EXPECT_NE(t.error().message.find(std::string(text)), std::string::npos)
      << "message does not quote the input: " << t.error().message;
}

TEST(ParseTimeRejects, MonthOutOfRange) {
  expect_rejected("2026-13-01T00:00:00Z");
  expect_rejected("2026-00-10T00:00:00Z");
  expect_rejected("2026-13-01");
  expect_rejected("20261301000000Z");
  auto t = parse_time("2026-13-01T00:00:00Z");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("out of range"), std::string::npos) << t.error().message;
}

TEST(ParseTimeRejects, DayOutOfRange) {
  expect_rejected("2026-11-31T00:00:00Z");
  expect_rejected("2026-01-32");
  expect_rejected("2026-01-00");
  expect_rejected("2023-02-29");
  expect_rejected("2100-02-29");
  expect_rejected("20230229000000Z");
}

TEST(ParseTimeRejects, ClockFieldsOutOfRange) {
  expect_rejected("2026-11-27T24:00:00Z");
  expect_rejected("2026-11-27T10:60:00Z");
  expect_rejected("2026-11-27T10:00:61Z");
  expect_rejected("20261127240000Z");
  expect_rejected("20261127106000Z");
}

TEST(ParseTimeRejects, OffsetOutOfRange) {
  expect_rejected("2026-11-27T10:00:00+24:00");
  expect_rejected("2026-11-27T10:00:00+02:60");
}

TEST(ParseTimeRejects, MissingOffset) {
  expect_rejected("2026-11-27T10:00:00");
  expect_rejected("2026-11-27T10:00:00.123");
  auto t = parse_time("2026-11-27T10:00:00");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("expected RFC 3339"), std::string::npos) << t.error().message;
}

TEST(ParseTimeRejects, MalformedOffset) {
  expect_rejected("2026-11-27T10:00:00+0200");
  expect_rejected("2026-11-27T10:00:00+02");
  expect_rejected("2026-11-27T10:00:00+2:00");
  expect_rejected("2026-11-27T10:00:00UTC");
  expect_rejected("2026-11-27T10:00:00 Z");
}

TEST(ParseTimeRejects, Malformed) {
  for (std::string_view bad : {"", "now", "2026", "2026-11", "2026/11/27", "2026-11-27T10:00Z", "2026-11-27T10:00:00Zx",
                               "2026-11-27X10:00:00Z", "2026-11-27T10:00:00.Z", "26-11-27", "2026-1-27",
                               "20261127100000", "2026112710000Z", "20261127100000z0", "@", "@12x", "@ 1",
                               "@99999999999999999999", "+2026-11-27"}) {
    expect_rejected(bad);
  }
}

TEST(FormatRfc3339, Values) {
  EXPECT_EQ(format_rfc3339(k20261127T10), "2026-11-27T10:00:00Z");
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(k99991231235959), "9999-12-31T23:59:59Z");
}

// Regression (fuzz_time, input "0026-11-27"): years before 1000 were formatted with fewer
// than four digits ("26-11-27T00:00:00Z"), which is not RFC 3339 and does not parse back.
TEST(FormatRfc3339, YearsAlwaysHaveFourDigits) {
  auto t = parse_time("0026-11-27");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, -61318166400);  // proleptic Gregorian, as Python calendar.timegm
  EXPECT_EQ(format_rfc3339(*t), "0026-11-27T00:00:00Z");
  EXPECT_EQ(must_parse(format_rfc3339(*t)), *t);
  EXPECT_EQ(format_rfc3339(must_parse("0000-01-01T00:00:00Z")), "0000-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(must_parse("0999-12-31T23:59:59Z")), "0999-12-31T23:59:59Z");
}

TEST(FormatRfc3339, RoundTrips) {
  EXPECT_EQ(must_parse(format_rfc3339(must_parse("99991231235959Z"))), k99991231235959);
  for (UnixTime t : {UnixTime{0}, UnixTime{951782400}, k20261127T10, UnixTime{2524607999}, UnixTime{4102444800},
                     k99991231235959}) {
    EXPECT_EQ(must_parse(format_rfc3339(t)), t) << t;
  }
}

TEST(Now, IsPlausible) {
  EXPECT_GT(now(), 1700000000);  // after 2023-11-14
}

TEST(Duration, DaysHoursMinutesSeconds) {
  auto t = parse_time_or_duration("90d", k20261127T10);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, k20261127T10 + 90 * 86400);
  EXPECT_EQ(format_rfc3339(*t), "2027-02-25T10:00:00Z");
  t = parse_time_or_duration("12h", k20261127T10);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, k20261127T10 + 12 * 3600);
  t = parse_time_or_duration("30m", k20261127T10);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, k20261127T10 + 1800);
  t = parse_time_or_duration("45s", k20261127T10);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, k20261127T10 + 45);
  t = parse_time_or_duration("0d", k20261127T10);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, k20261127T10);
}

TEST(Duration, YearsAreCalendarYears) {
  auto t = parse_time_or_duration("20y", k20261127T10);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, 2426925600);  // 2046-11-27T10:00:00Z: 5 leap days in between, not 20 * 365 days
  EXPECT_EQ(format_rfc3339(*t), "2046-11-27T10:00:00Z");
  t = parse_time_or_duration("20y", 1709164800);  // from 2024-02-29
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, 2340316800);  // 2044-02-29
  t = parse_time_or_duration("1y", 1709164800);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, 1740700800);  // 2025-02-28: clamped to the month's last day
  t = parse_time_or_duration("2y", k20261127T10);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(format_rfc3339(*t), "2028-11-27T10:00:00Z");
}

TEST(Duration, AbsoluteTimesPassThrough) {
  auto t = parse_time_or_duration("2030-01-01", k20261127T10);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(format_rfc3339(*t), "2030-01-01T00:00:00Z");
  t = parse_time_or_duration("99991231235959Z", k20261127T10);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, k99991231235959);
}

// Regression (fuzz_time with UBSan, "@9223372036854775807|90d"): a duration added to a base
// near the end of the 64-bit range was signed overflow (undefined behaviour); reachable as
// `iotonb ca create --now @9223372036854775807 --not-after 90d`.
TEST(DurationRejects, OverflowPastTheBase) {
  constexpr UnixTime kMax = INT64_MAX;
  for (std::string_view d : {"90d", "1s", "12h", "30m"}) {
    auto t = parse_time_or_duration(d, kMax);
    ASSERT_FALSE(t.ok()) << d << " after INT64_MAX gave " << *t;
    EXPECT_EQ(t.error().kind, ErrorKind::input);
    EXPECT_NE(t.error().message.find("out of range"), std::string::npos) << t.error().message;
  }
  auto y = parse_time_or_duration("1y", kMax);
  ASSERT_FALSE(y.ok()) << "1y after INT64_MAX gave " << *y;
  EXPECT_EQ(y.error().kind, ErrorKind::input);
  auto ok = parse_time_or_duration("0s", kMax);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, kMax);
}

TEST(DurationRejects, Malformed) {
  for (std::string_view bad : {"d", "y", "10w", "-5d", "5 d", "y20", "5dd", "1.5d", "100001y", "", "d5"}) {
    auto t = parse_time_or_duration(bad, k20261127T10);
    EXPECT_FALSE(t.ok()) << "accepted \"" << bad << "\" as " << (t.ok() ? format_rfc3339(*t) : "");
    if (!t.ok()) {
      EXPECT_EQ(t.error().kind, ErrorKind::input) << bad;
    }
  }
}

}  // namespace
}  // namespace iotonb::core
