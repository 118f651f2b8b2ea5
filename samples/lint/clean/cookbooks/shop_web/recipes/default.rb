# Resources, declared explicitly; values passed as properties.
include_recipe 'shop_web::nginx' # not include-only: more follows

shop_service 'api' do
  command "/opt/shop/bin/api --port #{node['shop_web']['port']}"
  user 'shop'
  working_directory '/opt/shop'
  environment('RACK_ENV' => 'production')
end

port = node['shop_web']['port']
log "api listens on #{port}"
