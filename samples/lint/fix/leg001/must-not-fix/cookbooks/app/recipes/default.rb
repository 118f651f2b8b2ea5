# None of these is a node.set attribute write.
node.normal['app']['installed'] = true
seen = Set.new
seen.add('app')
settings = { 'set' => 1 }
log "node.set['app'] is gone since Chef 14, #{settings['set']}"
# node.set['app']['commented'] = true
set = [1, 2]
set << 3
package 'app'
