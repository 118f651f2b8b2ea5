name 'web'
default_source :supermarket
run_list 'shop_web::default'
cookbook 'shop_web', path: '../cookbooks/shop_web'
cookbook 'shop_common', path: '../cookbooks/shop_common'
# Attributes set in a Policyfile count as definitions (near-miss for ATTR005).
default['shop_web']['server_name'] = 'www.shop.example'
