postgresql_install 'api' do
  version '15'
end

package 'redis-tools'
