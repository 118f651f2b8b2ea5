name 'web'
description 'A shop web node'
run_list 'recipe[shop_base]', 'recipe[shop_web]'
