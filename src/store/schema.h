// Internal to sealkey::store: the schema's migrations, which Migrate
// (migrations.h) applies in order inside one transaction each.
#pragma once

#include <vector>

namespace sealkey::store::detail {

// {ID} in a statement becomes the backend's auto-increment primary key
// column.
struct Migration {
  int version;
  const char* description;
  std::vector<const char*> statements;
};

// Oldest first; versions increase.
const std::vector<Migration>& Migrations();

}  // namespace sealkey::store::detail
