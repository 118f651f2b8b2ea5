name 'shop_web'
maintainer 'Shop Ops'
maintainer_email 'ops@shop.example'
license 'Apache-2.0'
description 'Installs/Configures shop_web' # flag: OPS006
version '1.0.0'
chef_version '>= 16.0'
supports 'ubuntu'
depends 'ntp'
depends 'nginx' # flag: INC006
