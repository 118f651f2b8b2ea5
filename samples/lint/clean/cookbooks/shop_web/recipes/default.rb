# Resources, declared explicitly; values passed as properties.
include_recipe 'shop_web::nginx' # not include-only: more follows

shop_service 'api' do
  command "/opt/shop/bin/api --port #{node['shop_web']['port']}"
  user 'shop'
  working_directory '/opt/shop'
  environment('RACK_ENV' => 'production')
end

# Guarded, so idempotent (near-miss for OPS001); no secret in the code (near-miss for OPS003).
execute 'shop-migrate' do
  command '/opt/shop/bin/migrate'
  user 'shop'
  environment('DB_PASSWORD_FILE' => '/run/secrets/db_password')
  creates '/opt/shop/.migrated'
end

port = node['shop_web']['port']
log "api listens on #{port}"
