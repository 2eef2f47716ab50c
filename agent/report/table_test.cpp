#include "custos/report/table.hpp"

#include <gtest/gtest.h>

namespace custos::report {
namespace {

TEST(Table, ShapeMustMatchHeadings) {
  EXPECT_TRUE(check_shape(Table{{"a", "b"}, {{"1", "2"}, {"", ""}}, {1}}));
  EXPECT_TRUE(check_shape(Table{{"a"}, {}, {}})) << "a table without rows is a valid (empty) register";
  EXPECT_EQ(check_shape(Table{{}, {}, {}}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(check_shape(Table{{"a", "b"}, {{"1", "2"}, {"3"}}, {}}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(check_shape(Table{{"a"}, {{"1", "2"}}, {}}).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(check_shape(Table{{"a", "b"}, {}, {2}}).error().code, ErrorCode::invalid_argument);
}

TEST(Table, DisplayWidthCountsChineseTwice) {
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(display_width("clerk1"), 6u);
  EXPECT_EQ(display_width("借阅人"), 6u);
  EXPECT_EQ(display_width("归还/撤销时间"), 13u);
  EXPECT_EQ(display_width("２０"), 4u) << "full-width digits";
  EXPECT_EQ(display_width("é"), 1u);
}

}  // namespace
}  // namespace custos::report
