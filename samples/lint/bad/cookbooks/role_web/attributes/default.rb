default['role_web']['extras'] = %w(monitoring)
